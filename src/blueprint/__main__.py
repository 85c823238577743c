from blueprint.cli import main

main(prog_name="blueprint")
