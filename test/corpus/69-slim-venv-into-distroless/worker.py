import pika

print(pika.__version__)
