from PIL import Image

print(Image.__version__)
