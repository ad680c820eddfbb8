"""The web app beside the assistant: the link worker console and the directory API."""
