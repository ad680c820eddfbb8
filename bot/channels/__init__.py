"""Channels the Rasa server loads: the SMS front door over Twilio (bot.channels.sms.SmsInput)."""
