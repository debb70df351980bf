// Code generated from metadata.yaml in mdatagen's shape (mdatagen does not install here; TestMetadataYAML keeps them in step). DO NOT EDIT.

// Package metadata contains the telemetry and build information for the
// pamaudit processor.
package metadata

import (
	"go.opentelemetry.io/collector/component"
)

var (
	Type      = component.MustNewType("pamaudit")
	ScopeName = "github.com/pamaudit/pamaudit/otelprocessor"
)

const (
	LogsStability = component.StabilityLevelAlpha
)
