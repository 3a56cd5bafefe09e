import asyncio

from aiosmtpd.controller import Controller

print(Controller)
asyncio.get_event_loop()
