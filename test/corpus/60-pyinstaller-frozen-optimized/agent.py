import psutil

print(psutil.cpu_percent(interval=1))
