"""Chats: the assistant, follow-ups, examples, what chats remember. Imports core and text."""
