"""Alerts: what the team must not miss (a new urgent or crisis referral, a promise about to
lapse, a resident writing while a link worker holds the chat), raised once each in the store,
shown in the console as they arrive and emailed to the team address."""
