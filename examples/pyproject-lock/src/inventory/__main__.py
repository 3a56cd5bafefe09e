from inventory.cli import main

main(prog_name="inventory")
