"""Alerts: topic matching, stories, subscriptions, the outbox. Imports core, text and news."""
