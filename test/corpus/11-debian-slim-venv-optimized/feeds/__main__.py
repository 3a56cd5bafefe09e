import feedparser

for entry in feedparser.parse("https://example.org/rss").entries:
    print(entry.title)
