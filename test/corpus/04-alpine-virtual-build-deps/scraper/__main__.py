import httpx
import lxml.html

print(lxml.html.fromstring(httpx.get("https://example.org").text).findtext(".//title"))
