#!/usr/bin/env bash
# Builds every platform image for linux/amd64 and linux/arm64 and pushes it.
#
#   REGISTRY=ghcr.io/example/chat-platform IMAGE_TAG=$(git rev-parse --short=12 HEAD) \
#     infra/ci/build-images.sh
#
# Needs Docker with buildx, and QEMU binfmt handlers for the architecture the machine lacks.
# The registry must already be logged in to. Layer caches live in the registry next to the
# images, tagged buildcache.
set -euo pipefail

: "${REGISTRY:?set REGISTRY, such as ghcr.io/example/chat-platform}"
: "${IMAGE_TAG:?set IMAGE_TAG, such as the 12-character commit id}"

# The platform services of infra/lib/service-catalog.ts plus the migration job.
services=(gateway auth user message persistence storage migrate)
platforms=linux/amd64,linux/arm64
builder=chat-platform

if ! docker buildx inspect "$builder" >/dev/null 2>&1; then
  docker buildx create --name "$builder" --driver docker-container >/dev/null
fi

build() {
  local image=$1
  shift
  docker buildx build \
    --builder "$builder" \
    --platform "$platforms" \
    --cache-from "type=registry,ref=$REGISTRY/$image:buildcache" \
    --cache-to "type=registry,ref=$REGISTRY/$image:buildcache,mode=max" \
    --tag "$REGISTRY/$image:$IMAGE_TAG" \
    --push \
    "$@" \
    .
}

for service in "${services[@]}"; do
  echo "building chat-$service:$IMAGE_TAG"
  build "chat-$service" --build-arg "SERVICE=$service" --file Dockerfile
done
echo "building chat-web:$IMAGE_TAG"
build chat-web --file web/Dockerfile
