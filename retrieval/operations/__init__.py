"""The owner's view and upkeep: owners, statistics, stored articles, backups. Imports all below."""
