broker_url = "redis://redis:6379/0"
