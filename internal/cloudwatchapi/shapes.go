package cloudwatchapi

import (
	"encoding/xml"
	"sort"
	"strconv"

	"github.com/gofaas/gofaas/internal/awsproto"
)

// Wire shapes, named as botocore's cloudwatch/2010-08-01 model names them.
// Go field names are the member names, so one struct serves CBOR (which
// reads json tags), JSON and the query protocol's form and XML. Input
// members are pointers so that absence can be told from zero.

// Dimension is a metric dimension (also a DimensionFilter).
type Dimension struct {
	Name  *string `json:",omitempty" xml:",omitempty"`
	Value *string `json:",omitempty" xml:",omitempty"`
}

// StatisticSet is a pre-aggregated set of values.
type StatisticSet struct {
	SampleCount *float64
	Sum         *float64
	Minimum     *float64
	Maximum     *float64
}

// MetricDatum is one metric's data in PutMetricData.
type MetricDatum struct {
	MetricName        *string
	Dimensions        []Dimension
	Timestamp         *awsproto.Timestamp
	Value             *float64
	StatisticValues   *StatisticSet
	Values            []float64
	Counts            []float64
	Unit              *string
	StorageResolution *int64
}

// Entity names the entity of EntityMetricData.
type Entity struct {
	KeyAttributes map[string]string
	Attributes    map[string]string
}

// EntityMetricData is metric data associated with an entity.
type EntityMetricData struct {
	Entity     *Entity
	MetricData []MetricDatum
}

// PutMetricDataInput is PutMetricData's request.
type PutMetricDataInput struct {
	Namespace              *string
	MetricData             []MetricDatum
	EntityMetricData       []EntityMetricData
	StrictEntityValidation *bool
}

// GetMetricStatisticsInput is GetMetricStatistics' request.
type GetMetricStatisticsInput struct {
	Namespace          *string
	MetricName         *string
	Dimensions         []Dimension
	StartTime          *awsproto.Timestamp
	EndTime            *awsproto.Timestamp
	Period             *int64
	Statistics         []string
	ExtendedStatistics []string
	Unit               *string
}

// Datapoint is one period's statistics.
type Datapoint struct {
	Timestamp          awsproto.Timestamp
	SampleCount        *float64 `json:",omitempty" xml:",omitempty"`
	Average            *float64 `json:",omitempty" xml:",omitempty"`
	Sum                *float64 `json:",omitempty" xml:",omitempty"`
	Minimum            *float64 `json:",omitempty" xml:",omitempty"`
	Maximum            *float64 `json:",omitempty" xml:",omitempty"`
	Unit               string   `json:",omitempty" xml:",omitempty"`
	ExtendedStatistics ValueMap `json:",omitempty" xml:",omitempty"`
}

// GetMetricStatisticsOutput is GetMetricStatistics' response.
type GetMetricStatisticsOutput struct {
	Label      string
	Datapoints awsproto.XMLList[Datapoint]
}

// Metric names a metric.
type Metric struct {
	Namespace  *string                     `json:",omitempty" xml:",omitempty"`
	MetricName *string                     `json:",omitempty" xml:",omitempty"`
	Dimensions awsproto.XMLList[Dimension] `json:",omitempty"`
}

// ListMetricsInput is ListMetrics' request.
type ListMetricsInput struct {
	Namespace             *string
	MetricName            *string
	Dimensions            []Dimension
	NextToken             *string
	RecentlyActive        *string
	IncludeLinkedAccounts *bool
	OwningAccount         *string
}

// ListMetricsOutput is ListMetrics' response.
type ListMetricsOutput struct {
	Metrics   awsproto.XMLList[Metric]
	NextToken string `json:",omitempty" xml:",omitempty"`
}

// MetricStat is a metric and statistic of a MetricDataQuery.
type MetricStat struct {
	Metric *Metric
	Period *int64
	Stat   *string
	Unit   *string
}

// MetricDataQuery is one query of GetMetricData.
type MetricDataQuery struct {
	Id         *string
	MetricStat *MetricStat
	Expression *string
	Label      *string
	ReturnData *bool
	Period     *int64
	AccountId  *string
}

// LabelOptions are GetMetricData's label options.
type LabelOptions struct {
	Timezone *string
}

// GetMetricDataInput is GetMetricData's request.
type GetMetricDataInput struct {
	MetricDataQueries []MetricDataQuery
	StartTime         *awsproto.Timestamp
	EndTime           *awsproto.Timestamp
	NextToken         *string
	ScanBy            *string
	MaxDatapoints     *int64
	LabelOptions      *LabelOptions
}

// MessageData is a message about a result.
type MessageData struct {
	Code  string `json:",omitempty" xml:",omitempty"`
	Value string `json:",omitempty" xml:",omitempty"`
}

// MetricDataResult is one result of GetMetricData.
type MetricDataResult struct {
	Id         string
	Label      string
	Timestamps awsproto.XMLList[awsproto.Timestamp]
	Values     awsproto.XMLList[float64]
	StatusCode string
	Messages   awsproto.XMLList[MessageData] `json:",omitempty" xml:",omitempty"`
}

// GetMetricDataOutput is GetMetricData's response.
type GetMetricDataOutput struct {
	MetricDataResults awsproto.XMLList[MetricDataResult]
	NextToken         string                        `json:",omitempty" xml:",omitempty"`
	Messages          awsproto.XMLList[MessageData] `json:",omitempty" xml:",omitempty"`
}

// ValueMap is a map of statistic name to value (DatapointValueMap); the
// query protocol renders it as entry/key/value elements.
type ValueMap map[string]float64

// MarshalXML implements xml.Marshaler.
func (m ValueMap) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	for _, k := range keys {
		entry := struct {
			Key   string `xml:"key"`
			Value string `xml:"value"`
		}{k, strconv.FormatFloat(m[k], 'g', -1, 64)}
		if err := e.EncodeElement(entry, xml.StartElement{Name: xml.Name{Local: "entry"}}); err != nil {
			return err
		}
	}
	return e.EncodeToken(start.End())
}
