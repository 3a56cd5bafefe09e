import reportlab

print(reportlab.Version)
