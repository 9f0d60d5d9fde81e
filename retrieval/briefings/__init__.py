"""Briefings: schedules, digests of new stories, rendering. Imports core, text, news, alerts."""
