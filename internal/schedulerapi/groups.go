package schedulerapi

import (
	"net/http"

	"github.com/gofaas/gofaas"
	"github.com/gofaas/gofaas/internal/awsproto"
)

func (h *Handler) createScheduleGroup(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	name := r.PathValue("Name")
	if err := checkName(name, "name"); err != nil {
		return err
	}
	var in createScheduleGroupInput
	if err := decode(r, &in); err != nil {
		return err
	}
	arn := h.GroupARN(ctx, name)
	if err := h.authorize(ctx, arn); err != nil {
		return err
	}
	g := &gofaas.ScheduleGroup{Name: name, Arn: arn, Tags: map[string]string{}}
	for _, t := range in.Tags {
		g.Tags[t.Key] = t.Value
	}
	if err := h.Store.CreateScheduleGroup(ctx, g); err != nil {
		return err
	}
	awsproto.WriteJSON(w, http.StatusOK, map[string]string{"ScheduleGroupArn": arn})
	return nil
}

func (h *Handler) groupSummary(r *http.Request, g *gofaas.ScheduleGroup) scheduleGroupSummary {
	arn := g.Arn
	if arn == "" {
		arn = h.GroupARN(r.Context(), g.Name)
	}
	return scheduleGroupSummary{Arn: arn, CreationDate: epoch(g.Created), LastModificationDate: epoch(g.LastModified), Name: g.Name, State: "ACTIVE"}
}

func (h *Handler) getScheduleGroup(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	name := r.PathValue("Name")
	if err := checkName(name, "name"); err != nil {
		return err
	}
	if err := h.authorize(ctx, h.GroupARN(ctx, name)); err != nil {
		return err
	}
	g, err := h.Store.GetScheduleGroup(ctx, name)
	if err != nil {
		return err
	}
	awsproto.WriteJSON(w, http.StatusOK, h.groupSummary(r, g))
	return nil
}

func (h *Handler) deleteScheduleGroup(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	name := r.PathValue("Name")
	if err := checkName(name, "name"); err != nil {
		return err
	}
	if err := h.authorize(ctx, h.GroupARN(ctx, name)); err != nil {
		return err
	}
	if err := h.Store.DeleteScheduleGroup(ctx, name); err != nil {
		return err
	}
	h.changed()
	awsproto.WriteJSON(w, http.StatusOK, struct{}{})
	return nil
}

func (h *Handler) listScheduleGroups(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	if err := h.authorize(ctx, "*"); err != nil {
		return err
	}
	limit, err := pageSize(r)
	if err != nil {
		return err
	}
	after := ""
	if tok := q.Get("NextToken"); tok != "" {
		parts, err := decodeToken(tok, 1)
		if err != nil {
			return err
		}
		after = parts[0]
	}
	list, err := h.Store.ListScheduleGroups(ctx, q.Get("NamePrefix"), after, limit+1)
	if err != nil {
		return err
	}
	out := listScheduleGroupsOutput{ScheduleGroups: []scheduleGroupSummary{}}
	if len(list) > limit {
		list = list[:limit]
		out.NextToken = encodeToken(list[limit-1].Name)
	}
	for _, g := range list {
		out.ScheduleGroups = append(out.ScheduleGroups, h.groupSummary(r, g))
	}
	awsproto.WriteJSON(w, http.StatusOK, out)
	return nil
}
