import whoosh

print(whoosh.versionstring())
