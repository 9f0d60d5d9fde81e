"""Store and schema, embeddings, search, ingest, quoted answers. Imports only retrieval.text."""
