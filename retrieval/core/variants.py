"""Which embedder a collection uses: by default the ONNX variant chosen when it was built."""

from retrieval.core.config import EmbedderUnavailable, Settings
from retrieval.core.embeddings import Embedder, SentenceTransformerEmbedder
from retrieval.core.onnx_embedder import VARIANTS, OnnxEmbedder

CHOICES = ("onnx", *VARIANTS, "torch")


def configured_embedder(settings: Settings) -> Embedder:
    """The embedder the settings name; "torch" loads sentence-transformers (slow to import)."""
    choice = settings.embedding
    if choice == "torch":
        return SentenceTransformerEmbedder()
    if choice == "onnx":
        return OnnxEmbedder(directory=settings.model_dir)
    for variant in VARIANTS:
        if choice == variant:
            return OnnxEmbedder(variant, settings.model_dir)
    raise EmbedderUnavailable(
        f"unknown embedding {choice!r} (CYBERBRIEF_EMBEDDING): choose one of {', '.join(CHOICES)}"
    )
