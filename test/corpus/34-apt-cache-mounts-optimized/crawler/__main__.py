import lxml.etree
import requests

print(lxml.etree.fromstring(requests.get("https://example.org/sitemap.xml").content))
