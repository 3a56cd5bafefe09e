import aiohttp

print(aiohttp.__version__)
