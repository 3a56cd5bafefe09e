from apscheduler.schedulers.blocking import BlockingScheduler

BlockingScheduler().start()
