"""The cyberbrief command line and terminal chat. May import every retrieval package.

parser.py builds the arguments cheaply; each command's handler module is imported when it runs.
"""
