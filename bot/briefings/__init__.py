"""Briefings in Telegram: /briefing, /schedule and the scheduled-briefing job."""
