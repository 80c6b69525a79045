package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// Figure is one line of the table: a measured value, what it is held
// against, and how it compares.
type Figure struct {
	// Name says what was measured ("first frame, 10,000 accounts").
	Name string `json:"name"`
	// Unit is "ms", "MB" or "x" (a ratio).
	Unit string `json:"unit"`
	// Value is the median of the runs (or the single reading).
	Value float64 `json:"value"`
	// Runs is how many measurements the median is taken over (1 for sizes).
	Runs int `json:"runs"`
	// Target is the goal for this figure, in Unit (0: none), or for
	// Ratio when RatioTarget is set.
	Target float64 `json:"target,omitempty"`
	// RatioTarget: Target bounds Ratio (key generation: ≤ 1.0 × openssl).
	RatioTarget bool `json:"ratio_target,omitempty"`
	// Reference names what Value is compared with, when it is not the target
	// ("hello world", "openssl").
	Reference string `json:"reference,omitempty"`
	// RefValue is the reference's median, in Unit.
	RefValue float64 `json:"ref_value,omitempty"`
	// Ratio is Value/RefValue, or Value/Target when there is no reference.
	Ratio float64 `json:"ratio,omitempty"`
	// Met says whether Value meets Target (absent without a target).
	Met *bool `json:"met,omitempty"`
	// Skipped holds why the figure could not be measured here (a missing
	// tool, a feature not built yet); Value is then meaningless.
	Skipped string `json:"skipped,omitempty"`
	// Note is anything a reader needs to trust the number.
	Note string `json:"note,omitempty"`
}

// Report is a whole run, as -json writes it.
type Report struct {
	Date     time.Time `json:"date"`
	Command  string    `json:"command"`
	Machine  string    `json:"machine"`
	Short    bool      `json:"short"`
	Accounts int       `json:"accounts"`
	Figures  []Figure  `json:"figures"`
	// Broken lists what could not be measured because something is broken;
	// it makes the exit status non-zero.
	Broken []string `json:"broken,omitempty"`
}

// ms turns durations into the milliseconds the table shows.
func ms(ds []time.Duration) []float64 {
	out := make([]float64, len(ds))
	for i, d := range ds {
		out[i] = float64(d) / float64(time.Millisecond)
	}
	return out
}

// median is the middle value (the mean of the two middle ones for an even
// count). The median, not the mean, because one run disturbed by another
// process on a shared machine should not move the figure.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// timed makes a figure from run times, held against a target in ms.
func timed(name string, runs []time.Duration, target float64) Figure {
	f := Figure{Name: name, Unit: "ms", Value: median(ms(runs)), Runs: len(runs), Target: target}
	return f.judge()
}

// against makes a figure compared with a reference measured in the same run.
func (f Figure) against(ref string, refRuns []time.Duration) Figure {
	f.Reference = ref
	f.RefValue = median(ms(refRuns))
	return f.judge()
}

// judge fills Ratio and Met from Value, Target and RefValue.
func (f Figure) judge() Figure {
	if f.Skipped != "" {
		f.Ratio, f.Met = 0, nil
		return f
	}
	switch {
	case f.RefValue > 0:
		f.Ratio = f.Value / f.RefValue
	case f.Target > 0:
		f.Ratio = f.Value / f.Target
	}
	if f.Target > 0 {
		v := f.Value
		if f.RatioTarget {
			v = f.Ratio
		}
		met := v <= f.Target
		f.Met = &met
	}
	return f
}

// skipped is a figure that could not be measured, with the reason.
func skipped(name, why string) Figure { return Figure{Name: name, Skipped: why} }

// writeTable prints the report as an aligned table.
func writeTable(w io.Writer, r Report) error {
	fmt.Fprintf(w, "xopsbench %s — %s — %s\n", r.Date.Format("2006-01-02 15:04 MST"), r.Machine, r.Command)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "figure\tvalue\ttarget\tratio\t")
	for _, f := range r.Figures {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", f.Name, f.valueText(), f.targetText(), f.ratioText(), f.noteText())
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write the table: %w", err)
	}
	for _, b := range r.Broken {
		fmt.Fprintf(w, "BROKEN: %s\n", b)
	}
	return nil
}

func (f Figure) valueText() string {
	if f.Skipped != "" {
		return "n/a"
	}
	v := number(f.Value, f.Unit)
	if f.Runs > 1 {
		v += fmt.Sprintf(" (median of %d)", f.Runs)
	}
	return v
}

func (f Figure) targetText() string {
	switch {
	case f.Target == 0:
		return "—"
	case f.RatioTarget:
		return fmt.Sprintf("≤ %.1f × %s", f.Target, f.Reference)
	default:
		return "≤ " + number(f.Target, f.Unit)
	}
}

func (f Figure) ratioText() string {
	if f.Ratio == 0 {
		return "—"
	}
	what := "of target"
	if f.Reference != "" {
		what = fmt.Sprintf("× %s (%s)", f.Reference, number(f.RefValue, f.Unit))
	}
	mark := ""
	if f.Met != nil {
		mark = " ✓"
		if !*f.Met {
			mark = " ✗ missed"
		}
	}
	if f.Reference != "" {
		return fmt.Sprintf("%.2f %s%s", f.Ratio, what, mark)
	}
	return fmt.Sprintf("%.0f%% %s%s", f.Ratio*100, what, mark)
}

func (f Figure) noteText() string {
	if f.Skipped != "" {
		return f.Skipped
	}
	return f.Note
}

// number prints a value with its unit and a sensible precision.
func number(v float64, unit string) string {
	switch {
	case unit == "ms" && v < 10:
		return fmt.Sprintf("%.2f ms", v)
	case unit == "ms":
		return fmt.Sprintf("%.0f ms", v)
	case unit == "MB":
		return fmt.Sprintf("%.1f MB", v)
	default:
		return strings.TrimSpace(fmt.Sprintf("%.2f %s", v, unit))
	}
}

// writeJSON writes the report to path (0644: it holds no secret).
func writeJSON(path string, r Report) error {
	raw, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encode the report: %w", err)
	}
	if err := os.WriteFile(path, append(raw, '\n'), 0o644); err != nil {
		return fmt.Errorf("write -json %s: %w", path, err)
	}
	return nil
}
