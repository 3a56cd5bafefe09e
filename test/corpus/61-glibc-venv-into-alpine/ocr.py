import numpy
import orjson

print(orjson.dumps(numpy.arange(3).tolist()))
