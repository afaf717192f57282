from imr_llm.cli import main

main()
