// Package deploy holds the tests of the Kubernetes manifests, Helm values
// and container images under deploy/. It is a module of its own so that the
// Kubernetes and kustomize dependencies stay out of the main module; it uses
// the main module's exported test support (fluentbit/flbsim) from this
// checkout (replace ../ in go.mod), never a published version.
package deploy
