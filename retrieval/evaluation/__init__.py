"""Retrieval and answers measured on SQuAD and BEIR data sets. Imports core and text."""
