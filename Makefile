# Convenience targets for machines that have make; `./dev` does the same where make is missing
# (a fresh Debian has no make, which is why the README quick start uses ./dev).
.PHONY: run test bench
run:
	./dev run
test:
	./dev test
bench:
	./dev bench $(ARGS)
