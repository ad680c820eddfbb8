"""Rasa components that the Rasa server loads: the safety net."""
