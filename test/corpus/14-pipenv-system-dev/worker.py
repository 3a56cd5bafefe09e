from redis import Redis
from rq import Worker

Worker(["default"], connection=Redis(host="redis")).work()
