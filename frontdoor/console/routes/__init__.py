"""The console\x27s routes: pages and the JSON API."""
