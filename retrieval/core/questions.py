"""Questions in English or Spanish read for search: what the model reads, what words to look for."""

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from retrieval.language.detection import Language, detect
from retrieval.language.translation import Apertium, TranslationError, unknown_words, unmarked
from retrieval.text.cognates import MIN_LENGTH, PREFIX, closest
from retrieval.text.query import stems

log = logging.getLogger(__name__)

MODEL_LANGUAGE: Language = "en"  # the embedding model reads English

# A name or a number: a word with a capital after its first letter or after the first word of a
# sentence, or with a digit. Apertium may translate names ("Los Ángeles" -> "The Angels").
_WORD = re.compile(r"[^\W_]+(?:[.'\u2019-][^\W_]+)*")
_SENTENCE_START = re.compile(r"(?:^|[.!?\u00bf\u00a1]\s*)[\"'\u201c\u2018\u00ab(]*$")


@dataclass(frozen=True)
class Query:
    """A question as searched: its language, its English meaning, and its words per language."""

    text: str
    language: Language = "en"
    meaning: str | None = None  # the question in English, when it was asked in another language
    words: Mapping[str, str] = field(default_factory=dict)  # what to search for, per language

    @property
    def model_text(self) -> str:
        """What the embedding model reads: the question in English."""
        return self.meaning or self.text

    @property
    def translated(self) -> bool:
        """Whether the question is read through a translation anywhere."""
        return self.meaning is not None or any(lang != self.language for lang in self.words)

    def searched(self) -> dict[str, str]:
        """The words to look for in each language's articles (the question itself by default)."""
        return dict(self.words) or {self.language: self.text}


def names_and_numbers(text: str) -> list[str]:
    """Names, acronyms and numbers in a text: words kept as written whatever the language."""
    kept: dict[str, None] = {}
    for match in _WORD.finditer(text):
        word = match.group()
        starts_sentence = bool(_SENTENCE_START.search(text[: match.start()]))
        capital = word[0].isupper() and not starts_sentence
        if capital or any(ch.isdigit() for ch in word) or (len(word) > 1 and word.isupper()):
            kept[word] = None
    return list(kept)


class Vocabulary(Protocol):
    """The words the keyword index holds, as stems."""

    def known_terms(self, terms: Sequence[str]) -> set[str]:
        """Which of the terms the index holds."""
        ...

    def terms_starting(self, prefix: str, limit: int = 5000) -> list[tuple[str, int]]:
        """Indexed terms beginning with a prefix, with how many chunks hold each."""
        ...


class QuestionReader:
    """Detects a question's language and translates it for the model and for each language's
    articles, keeping names and numbers as written for keyword search, and putting the
    collection's own spelling in place of words Apertium does not know (cognates)."""

    def __init__(
        self,
        translator: Apertium,
        languages: Callable[[], frozenset[str]],
        vocabulary: Vocabulary,
    ) -> None:
        self.translator = translator
        self.languages = languages  # the languages the collection's articles are written in
        self.vocabulary = vocabulary

    def read(self, text: str, hint: Language | None = None) -> Query:
        """One question read for search."""
        return self.read_all([text], hint)[0]

    def read_all(
        self, texts: Sequence[str], hint: Language | None = None, language: Language | None = None
    ) -> list[Query]:
        """Questions read for search, translated in one batch per direction.

        `language` says what the questions are written in; otherwise each one is detected, with
        `hint` (the asker's own language) deciding when a question is too short to tell.
        """
        spoken = [language or detect(text, hint) for text in texts]
        wanted = {MODEL_LANGUAGE} | set(self.languages())
        translations: dict[tuple[int, str], str] = {}
        for source in set(spoken):
            indexes = [i for i, lang in enumerate(spoken) if lang == source]
            for target in wanted - {source}:
                found = self._translate([texts[i] for i in indexes], source, target)
                translations.update(zip(((i, target) for i in indexes), found, strict=True))
        queries = []
        for i, (text, source) in enumerate(zip(texts, spoken, strict=True)):
            kept = " ".join(names_and_numbers(text))
            words = {
                target: text if target == source else f"{translations[i, target]} {kept}".strip()
                for target in wanted
            }
            meaning = None if source == MODEL_LANGUAGE else translations[i, MODEL_LANGUAGE]
            queries.append(Query(text, source, meaning, words))
        return queries

    def _translate(self, texts: list[str], source: Language, target: str) -> list[str]:
        """Translations with cognates in place of unknown words, or the texts themselves when
        Apertium cannot translate (logged)."""
        try:
            marked = self.translator.translate_marked(texts, source, target)  # type: ignore[arg-type]
        except TranslationError as error:
            log.warning("questions searched untranslated: %s", error)
            return list(texts)
        stand_ins = self._cognates({w for text in marked for w in unknown_words(text)})
        return [_replace_words(unmarked(text), stand_ins) for text in marked]

    def _cognates(self, words: set[str]) -> dict[str, str]:
        """The indexed term standing in for each unknown word, where one is spelt alike."""
        stemmed = {word: stems(word)[0] for word in words if len(word) >= MIN_LENGTH}
        known = self.vocabulary.known_terms(sorted(set(stemmed.values())))
        found = {}
        for word, stem in stemmed.items():
            if stem not in known:
                term = closest(stem, self.vocabulary.terms_starting(stem[:PREFIX]))
                if term:
                    found[word] = term
        return found


def _replace_words(text: str, replacements: Mapping[str, str]) -> str:
    """The text with whole words replaced."""
    if not replacements:
        return text
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, replacements)) + r")\b")
    return pattern.sub(lambda m: replacements[m.group(1)], text)
