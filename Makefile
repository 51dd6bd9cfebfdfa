# Backstep: the two commands of the README, and their set-up.
#   make run    install what is missing, build in release mode, start the shell
#   make test   install what is missing, run the whole test suite

SWIFT ?= swift
APT_PACKAGES := libopenblas-dev libreadline-dev pkg-config
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test build deps clean

run: build
	@./.build/release/backstep $(ARGS)

build: deps
	$(SWIFT) build -c release --product backstep

test: deps
	$(SWIFT) test

# Installs the C libraries through apt-get, only when one is missing.
deps:
	@missing=""; \
	for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

clean:
	rm -rf .build
