"""The cyberbrief command line and terminal chat. May import every retrieval package."""
