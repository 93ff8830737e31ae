from flake8_clarifai_secrets.cli import main

raise SystemExit(main())
