import grpc

print(grpc.__version__)
