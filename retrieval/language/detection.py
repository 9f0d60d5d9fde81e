"""The language of a text, English or Spanish, detected offline by py3langid's packaged model.

Measured on XQuAD (`python -m bench.language`): py3langid restricted to the two languages named
all 2,380 questions right and 99.7% of their first three words, ahead of lingua-language-detector.

The packaged model is LZMA-compressed: unpacking it takes about a second. `make install` saves
it once, restricted to English and Spanish and uncompressed, beside the ONNX model
(`python -m retrieval.language.detection DIR`); it then loads in a few tens of milliseconds.
"""

import sys
import threading
from array import array
from pathlib import Path
from typing import Literal, cast

import numpy as np
from py3langid.langid import MODEL_FILE, LanguageIdentifier

Language = Literal["en", "es"]
LANGUAGES: tuple[Language, ...] = ("en", "es")
DEFAULT: Language = "en"
# Below this probability a text is too short or too mixed to tell (a bare name, an acronym):
# the hint (the person's own language) decides.
MIN_PROBABILITY = 0.8
SAMPLE = 2000  # characters read from long texts

SAVED = Path(sys.prefix) / "share" / "cyberbrief" / "langid-en-es.npz"

_identifier: LanguageIdentifier | None = None
_lock = threading.Lock()


def _model() -> LanguageIdentifier:
    """The identifier, loaded once on first use: the saved copy if there is one."""
    global _identifier
    with _lock:
        if _identifier is None:
            _identifier = _saved(SAVED) if SAVED.is_file() else _packaged()
        return _identifier


def _packaged() -> LanguageIdentifier:
    """py3langid's own model, restricted to our languages (about a second to unpack)."""
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    return identifier


def _saved(path: Path) -> LanguageIdentifier:
    """The identifier from a copy saved by `save`."""
    with np.load(path, allow_pickle=False) as data:
        return LanguageIdentifier(
            data["ptc"],
            data["pc"],
            data["classes"].tolist(),
            array(str(data["nextmove_kind"]), data["nextmove"].tobytes()),
            data["output"].tolist(),
            norm_probs=True,
            tk_row=array(str(data["row_kind"]), data["row"].tobytes()),
        )


def save(path: Path) -> None:
    """Save the restricted identifier uncompressed, for `_saved` to load quickly."""
    identifier = _packaged()
    nextmove, row = identifier.tk_nextmove, identifier.tk_row
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial.npz")
    np.savez(
        partial,
        ptc=np.asarray(identifier.nb_ptc),
        pc=np.asarray(identifier.nb_pc),
        classes=np.array(identifier.nb_classes),
        nextmove=np.frombuffer(nextmove, dtype=f"={nextmove.typecode}"),
        nextmove_kind=np.array(nextmove.typecode),
        row=np.frombuffer(row, dtype=f"={row.typecode}"),
        row_kind=np.array(row.typecode),
        output=np.asarray(identifier.tk_output, dtype=np.int32),
    )
    partial.replace(path)


def language_of(code: str | None) -> Language | None:
    """One of our languages from a language tag or name ("es-MX", "Spanish", "en"), else None."""
    if not code:
        return None
    tag = code.strip().lower().replace("_", "-").split("-")[0]
    names = {"english": "en", "eng": "en", "spanish": "es", "spa": "es", "español": "es"}
    tag = names.get(tag, tag)
    return cast(Language, tag) if tag in LANGUAGES else None


def detect(text: str, hint: Language | None = None) -> Language:
    """The language a text is written in; the hint decides when the text alone cannot."""
    sample = text[:SAMPLE]
    if sum(ch.isalpha() for ch in sample) < 2:
        return hint or DEFAULT
    language, probability = _model().classify(sample)
    if probability < MIN_PROBABILITY:
        return hint or DEFAULT
    return cast(Language, language)


def load() -> None:
    """Load the detector's model now rather than on the first text."""
    _model()


if __name__ == "__main__":
    save(Path(sys.argv[1]) if len(sys.argv) > 1 else SAVED)
