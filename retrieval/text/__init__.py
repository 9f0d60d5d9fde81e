"""Text: documents, sentences, chunks, query words, URLs. Imports no other retrieval package."""
