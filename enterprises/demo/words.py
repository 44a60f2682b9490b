"""The words demo names are made of: cities, trades, products, brands, fairs."""

from dataclasses import dataclass

from pypinyin import lazy_pinyin

# (Chinese, English, GB/T 2260 region code): cities where such firms cluster.
CITIES = [
    ("北京", "Beijing", "11"),
    ("天津", "Tianjin", "12"),
    ("石家庄", "Shijiazhuang", "13"),
    ("保定", "Baoding", "13"),
    ("太原", "Taiyuan", "14"),
    ("呼和浩特", "Hohhot", "15"),
    ("沈阳", "Shenyang", "21"),
    ("大连", "Dalian", "21"),
    ("长春", "Changchun", "22"),
    ("哈尔滨", "Harbin", "23"),
    ("上海", "Shanghai", "31"),
    ("南京", "Nanjing", "32"),
    ("苏州", "Suzhou", "32"),
    ("无锡", "Wuxi", "32"),
    ("常州", "Changzhou", "32"),
    ("杭州", "Hangzhou", "33"),
    ("宁波", "Ningbo", "33"),
    ("温州", "Wenzhou", "33"),
    ("合肥", "Hefei", "34"),
    ("芜湖", "Wuhu", "34"),
    ("福州", "Fuzhou", "35"),
    ("厦门", "Xiamen", "35"),
    ("南昌", "Nanchang", "36"),
    ("济南", "Jinan", "37"),
    ("青岛", "Qingdao", "37"),
    ("潍坊", "Weifang", "37"),
    ("烟台", "Yantai", "37"),
    ("郑州", "Zhengzhou", "41"),
    ("洛阳", "Luoyang", "41"),
    ("武汉", "Wuhan", "42"),
    ("襄阳", "Xiangyang", "42"),
    ("长沙", "Changsha", "43"),
    ("株洲", "Zhuzhou", "43"),
    ("广州", "Guangzhou", "44"),
    ("深圳", "Shenzhen", "44"),
    ("东莞", "Dongguan", "44"),
    ("佛山", "Foshan", "44"),
    ("南宁", "Nanning", "45"),
    ("柳州", "Liuzhou", "45"),
    ("海口", "Haikou", "46"),
    ("重庆", "Chongqing", "50"),
    ("成都", "Chengdu", "51"),
    ("绵阳", "Mianyang", "51"),
    ("贵阳", "Guiyang", "52"),
    ("昆明", "Kunming", "53"),
    ("拉萨", "Lhasa", "54"),
    ("西安", "Xi'an", "61"),
    ("宝鸡", "Baoji", "61"),
    ("兰州", "Lanzhou", "62"),
    ("西宁", "Xining", "63"),
    ("银川", "Yinchuan", "64"),
    ("乌鲁木齐", "Urumqi", "65"),
]
# (Chinese, English, GB/T 4754 section, weight)
TRADES = [
    ("精密机械", "Precision Machinery", "C", 10),
    ("智能装备", "Intelligent Equipment", "C", 9),
    ("新材料", "New Materials", "C", 7),
    ("电子科技", "Electronic Technology", "C", 8),
    ("医疗器械", "Medical Devices", "C", 5),
    ("汽车零部件", "Auto Parts", "C", 6),
    ("自动化", "Automation", "C", 6),
    ("光电", "Optoelectronics", "C", 4),
    ("新能源", "New Energy", "C", 5),
    ("传感技术", "Sensing Technology", "C", 4),
    ("软件", "Software", "I", 6),
    ("信息技术", "Information Technology", "I", 4),
    ("检测技术", "Testing Technology", "M", 3),
    ("生物科技", "Biotechnology", "M", 3),
    ("环保科技", "Environmental Technology", "N", 2),
    ("农业科技", "Agricultural Technology", "A", 1),
]
# (Chinese, English, category Chinese, category English)
PRODUCTS = [
    ("精密减速器", "precision reducer", "传动部件", "Drive components"),
    ("谐波减速器", "harmonic reducer", "传动部件", "Drive components"),
    ("伺服电机", "servo motor", "电机", "Motors"),
    ("工业机器人", "industrial robot", "机器人", "Robots"),
    ("协作机器人", "collaborative robot", "机器人", "Robots"),
    ("巡检机器人", "inspection robot", "机器人", "Robots"),
    ("外骨骼机器人", "exoskeleton robot", "康复器械", "Rehabilitation devices"),
    ("压力传感器", "pressure sensor", "传感器", "Sensors"),
    ("激光雷达", "lidar", "传感器", "Sensors"),
    ("数控机床", "CNC machine tool", "机床", "Machine tools"),
    ("激光切割机", "laser cutting machine", "机床", "Machine tools"),
    ("液压阀", "hydraulic valve", "液压件", "Hydraulics"),
    ("精密轴承", "precision bearing", "基础件", "Basic components"),
    ("齿轮箱", "gearbox", "传动部件", "Drive components"),
    ("锂电池隔膜", "lithium battery separator", "电池材料", "Battery materials"),
    ("光伏逆变器", "solar inverter", "电力电子", "Power electronics"),
    ("芯片封装设备", "chip packaging equipment", "半导体设备", "Semiconductor equipment"),
    ("医用导管", "medical catheter", "医疗耗材", "Medical consumables"),
    ("工业软件", "industrial software", "软件", "Software"),
    ("无人机", "drone", "航空器", "Aircraft"),
    ("检测仪器", "testing instrument", "仪器仪表", "Instruments"),
    ("碳纤维复合材料", "carbon fibre composite", "新材料", "New materials"),
    ("特种陶瓷", "technical ceramics", "新材料", "New materials"),
    ("工业相机", "industrial camera", "视觉系统", "Machine vision"),
]
BRAND_CHARACTERS = "鸿睿恒瑞华信达通科新创精联晟博泰宏盛德欣凯航锐源智海天金光明远森峰宇辰昊川"
SIZES = [("small", 45), ("micro", 25), ("medium", 25), ("large", 5)]
# Exchange, share of enterprises listed there, ranges of valid tickers.
LISTINGS = [
    ("bse", 0.001, [(830000, 840000), (870000, 880000)]),
    ("sse", 0.002, [(600000, 606000), (688000, 690000)]),
    ("szse", 0.002, [(1, 4000), (300000, 302000)]),
]
EXHIBITION_NAMES = [
    ("中国国际中小企业博览会", "China International SME Fair"),
    ("专精特新中小企业发展大会", "Specialized SME Development Conference"),
    ("工业博览会", "Industry Fair"),
    ("智能制造大会", "Intelligent Manufacturing Conference"),
    ("新材料产业博览会", "New Materials Expo"),
]


@dataclass(frozen=True)
class Part:
    """A piece of a generated name, in both languages."""

    zh: str
    en: str


def brand(zh):
    """A brand: Chinese characters, in English their pinyin run together (鸿睿 -> Hongrui)."""
    return Part(zh, "".join(lazy_pinyin(zh)).capitalize())
