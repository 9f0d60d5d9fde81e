"""The news: safe fetching, RSS/Atom feeds, followed feeds, the poller. Imports core and text."""
