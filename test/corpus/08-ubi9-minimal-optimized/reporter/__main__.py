import sys

import jinja2

print(jinja2.Template("report for {{ who }}").render(who=sys.argv[1:] or "all"))
