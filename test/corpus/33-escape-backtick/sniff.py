import sys

import magic

print(magic.from_file(sys.argv[1]))
