.PHONY: run test diagram bench
run:    ## set up, load demo data, serve on http://127.0.0.1:$${PORT:-8000}
	bash scripts/run.sh
test:   ## install what tests need, start PostgreSQL + Redis, run the whole suite
	bash scripts/test.sh
