# syntax=docker/dockerfile:1
# The blueprint command in an image, for GitLab CI and other CI that run containers
# (docs/install.md). Graphviz and a CJK font are inside, so `render` and `build` draw
# Chinese text too. Build and try it from the repository's root:
#   docker build -t service-blueprint .
#   docker run --rm -v "$PWD:/work" service-blueprint check blueprints/
#   docker run --rm -v "$PWD:/work" -u "$(id -u):$(id -g)" service-blueprint build blueprints/ -o site/

# --- 1: the wheel, and a wheelhouse of the locked dependency versions (hash-checked) ----------
FROM python:3.11-slim-bookworm AS wheels
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY requirements.txt requirements.txt
RUN pip download --require-hashes -r requirements.txt --dest /wheels \
 && pip install --no-index --find-links /wheels --require-hashes -r requirements.txt
COPY pyproject.toml README.md ./
COPY src src
COPY schema/blueprint.schema.json schema/blueprint.schema.json
COPY templates templates
RUN pip wheel --no-index --no-deps --no-build-isolation --wheel-dir /wheels .

# --- 2: the image: Python, Graphviz, a CJK font and the tool, run as a user without rights -----
FROM python:3.11-slim-bookworm
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
# Debian's own versions of bookworm (pinning them would break at its next point release)
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends graphviz fonts-noto-cjk \
 && rm -rf /var/lib/apt/lists/*
# only what the tool needs from the wheelhouse, at the locked versions; nothing from the index
RUN --mount=type=bind,from=wheels,source=/wheels,target=/wheels \
    pip install --no-index --find-links /wheels /wheels/service_blueprint-*.whl \
 && blueprint --version
RUN useradd --create-home --uid 10001 --user-group blueprint
USER 10001:10001
WORKDIR /work
ENTRYPOINT ["blueprint"]
CMD ["--help"]
