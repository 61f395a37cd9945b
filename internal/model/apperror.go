package model

import (
	"fmt"
	"net/http"
)

// AppError is the Mattermost error body. Every layer returns it (possibly wrapped);
// the API turns it into JSON in one place.
type AppError struct {
	ID            string `json:"id"`
	Message       string `json:"message"`
	DetailedError string `json:"detailed_error"`
	RequestID     string `json:"request_id,omitempty"`
	StatusCode    int    `json:"status_code,omitempty"`
	IsOAuth       bool   `json:"is_oauth,omitempty"`

	cause error
}

func (e *AppError) Error() string {
	if e.cause != nil {
		return e.ID + ": " + e.Message + ": " + e.cause.Error()
	}
	return e.ID + ": " + e.Message
}

func (e *AppError) Unwrap() error { return e.cause }

// NewAppError builds an error with a stable id, a readable message and an HTTP status.
func NewAppError(status int, id, message string) *AppError {
	return &AppError{ID: id, Message: message, StatusCode: status}
}

// Wrap attaches the underlying cause for logs; it is never shown to clients.
func (e *AppError) Wrap(cause error) *AppError {
	c := *e
	c.cause = cause
	return &c
}

// Common errors, named after the cases of the reference.

func ErrInvalidBody(param string) *AppError {
	return NewAppError(http.StatusBadRequest, "api.context.invalid_body_param.app_error",
		fmt.Sprintf("Invalid or missing %s in request body.", param))
}

func ErrInvalidURLParam(param string) *AppError {
	return NewAppError(http.StatusBadRequest, "api.context.invalid_url_param.app_error",
		fmt.Sprintf("Invalid or missing %s parameter in request URL.", param))
}

func ErrSessionExpired() *AppError {
	return NewAppError(http.StatusUnauthorized, "api.context.session_expired.app_error",
		"Invalid or expired session, please login again.")
}

func ErrForbidden() *AppError {
	return NewAppError(http.StatusForbidden, "api.context.permissions.app_error",
		"You do not have the appropriate permissions.")
}

func ErrNotFound(id, what string) *AppError {
	return NewAppError(http.StatusNotFound, id, "Unable to find the "+what+".")
}

func ErrInternal(cause error) *AppError {
	return NewAppError(http.StatusInternalServerError, "app.internal_error",
		"An internal error occurred.").Wrap(cause)
}

func ErrInvalid(id, message string) *AppError {
	return NewAppError(http.StatusBadRequest, id, message)
}
