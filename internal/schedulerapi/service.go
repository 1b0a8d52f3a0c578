// Package schedulerapi is EventBridge Scheduler's rest-json API (botocore
// model scheduler/2021-06-30, signing name "scheduler") over a
// gofaas.ScheduleStore, and the Runner that fires schedules.
package schedulerapi

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/gofaas/gofaas"
)

// Handler serves the Scheduler API.
type Handler struct {
	Store gofaas.ScheduleStore
	// Runner is told when schedules change; nil in API-only tests.
	Runner interface{ Changed() }
	// Authorizer decides "scheduler:<Op>" on the schedule or group ARN,
	// and iam:PassRole on a target's role; nil allows all (unit tests).
	Authorizer gofaas.Authorizer
	// Region and AccountID build ARNs when the request does not carry them.
	Region    string
	AccountID string
	// Now returns the current time; nil means time.Now.
	Now func() time.Time

	muxOnce sync.Once
	mux     *http.ServeMux
}

// route is one operation: a ServeMux pattern (method and botocore's
// requestUri), its IAM action and its handler.
type route struct {
	pattern string
	action  string
	handler func(w http.ResponseWriter, r *http.Request) error
}

func (h *Handler) routes() []route {
	return []route{
		{"POST /schedules/{Name}", "scheduler:CreateSchedule", h.createSchedule},
		{"GET /schedules/{Name}", "scheduler:GetSchedule", h.getSchedule},
		{"PUT /schedules/{Name}", "scheduler:UpdateSchedule", h.updateSchedule},
		{"DELETE /schedules/{Name}", "scheduler:DeleteSchedule", h.deleteSchedule},
		{"GET /schedules", "scheduler:ListSchedules", h.listSchedules},
		{"POST /schedule-groups/{Name}", "scheduler:CreateScheduleGroup", h.createScheduleGroup},
		{"GET /schedule-groups/{Name}", "scheduler:GetScheduleGroup", h.getScheduleGroup},
		{"DELETE /schedule-groups/{Name}", "scheduler:DeleteScheduleGroup", h.deleteScheduleGroup},
		{"GET /schedule-groups", "scheduler:ListScheduleGroups", h.listScheduleGroups},
	}
}

// Routes registers every operation on mux.
func (h *Handler) Routes(mux *http.ServeMux) {
	for _, rt := range h.routes() {
		rt := rt
		mux.HandleFunc(rt.pattern, func(w http.ResponseWriter, r *http.Request) {
			r = r.WithContext(withAction(r.Context(), rt.action))
			if err := rt.handler(w, r); err != nil {
				writeError(w, err)
			}
		})
	}
}

// ServeHTTP serves the Scheduler API on a ServeMux of its own; any other
// path is an unknown operation.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.muxOnce.Do(func() {
		h.mux = http.NewServeMux()
		h.Routes(h.mux)
		h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { writeError(w, errUnknownOperation()) })
	})
	h.mux.ServeHTTP(w, r)
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

func (h *Handler) changed() {
	if h.Runner != nil {
		h.Runner.Changed()
	}
}

// maxRequestBody bounds request bodies; a target's Input is at most a few
// hundred KB in AWS.
const maxRequestBody = 1 << 20

// decode reads a JSON request body into v; an empty body is an empty
// object.
func decode(r *http.Request, v any) error {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
	if err != nil {
		return validation("Could not read the request body.")
	}
	if len(body) > maxRequestBody {
		return validation("The request body is too large.")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		return validation("Could not parse the request body: " + err.Error())
	}
	return nil
}
