from tonearm.cli import main

main()
