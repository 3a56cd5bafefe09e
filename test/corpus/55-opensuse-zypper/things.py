import falcon

app = falcon.App()
