import sys

import httpx

for url in sys.argv[1:]:
    print(url, httpx.head(url).status_code)
